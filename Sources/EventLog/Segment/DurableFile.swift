/// Writing a small file so that a crash leaves either its old or its new content, never a mix: for files
/// beside the log that are not part of it (the API key file).
public enum DurableFile {
    /// Replaces `path` with `bytes`: a temporary file, fsync, rename over `path`, fsync of `directory`.
    /// The caller must keep other writers of `path` out (the temporary name is fixed).
    /// - Throws: ``EventLogError/io(operation:path:errno:)``.
    public static func write(_ bytes: [UInt8], to path: String, directory: String) throws(EventLogError) {
        try SystemFile.writeDurably(bytes, to: path, directory: directory)
    }
}
