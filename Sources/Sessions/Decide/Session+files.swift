extension Session {
    /// Attach a file: a plain file name (no directory part, at most 255 bytes), a non-negative size, a
    /// well-formed SHA-256, an id not in use. A live file of the same name is replaced, as a Mix upload
    /// overwrites one: a `file.removed` (reason `replaced`) comes first.
    static func decideAddFile(
        _ command: AddFile,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        let name = try validateFile(name: command.name, mediaType: command.mediaType)
        try requireNonNegative("byteCount", command.byteCount)
        if let digest = command.sha256 {
            guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else {
                throw .validation(field: "sha256", message: "sha256 must be 64 lowercase hexadecimal digits")
            }
        }
        let id: FileID = try newID(command.fileID, field: "fileId", context: context)
        guard state.file(id) == nil else {
            throw .conflict(field: "fileId", message: "File with ID '\(id)' already exists")
        }
        let replaced = state.files.filter { $0.added.name == name }
        return replaced.map { .fileRemoved(FileRemoved(fileID: $0.id, reason: .replaced)) } + [
            .fileAdded(
                FileAdded(
                    fileID: id,
                    name: name,
                    mediaType: nonEmpty(command.mediaType),
                    byteCount: command.byteCount,
                    sha256: command.sha256
                )
            )
        ]
    }

    /// Detach an attached file.
    static func decideRemoveFile(
        _ command: RemoveFile,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        guard state.file(command.fileID) != nil else { throw .fileNotFound(command.fileID) }
        return [.fileRemoved(FileRemoved(fileID: command.fileID, reason: .requested))]
    }

    /// A name a file can have inside one directory: not `.` or `..`, no `/`, `\\` or NUL, at most 255 bytes.
    /// The checks on a file's own fields, which need no session: a plain file name (no directory part, at most 255
    /// bytes, no control character) and a media type of at most 255 printable ASCII characters (both go back out in
    /// a download's headers). An upload runs them before it stores the bytes, so a refused one leaves no blob.
    /// - Returns: The name.
    public static func validateFile(name: String?, mediaType: String?) throws(SessionError) -> String {
        guard let name = nonEmpty(name) else { throw .validation(field: "name", message: "name is required") }
        guard isPlainFileName(name) else {
            throw .validation(field: "name", message: "invalid filename: must be a file name without a directory")
        }
        if let mediaType, mediaType.utf8.count > 255 || !mediaType.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            throw .validation(
                field: "mediaType", message: "the media type must be at most 255 printable ASCII characters")
        }
        return name
    }

    private static func isPlainFileName(_ name: String) -> Bool {
        name != "." && name != ".." && name.utf8.count <= 255
            && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F }
    }
}
