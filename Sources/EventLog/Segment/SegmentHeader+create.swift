#if canImport(Glibc)
import Glibc
#endif

extension SegmentHeader {
    /// A segment file just started: open for appends, and its descriptor for readers.
    struct CreatedSegment {
        let file: SystemFile
        let info: SegmentInfo
    }

    /// Creates `<directory>/<first position>.seg` holding only this header, durably (file and
    /// directory synced) before any frame goes in. If a step fails the file is removed.
    func createSegment(in directory: String) throws(EventLogError) -> CreatedSegment {
        let path = directory + "/" + SegmentName.segment(firstPosition: firstPosition)
        let file = try SystemFile.open(path, .createNew)
        do {
            try file.write(encoded(), at: 0)
            try file.sync()
            try SystemFile.syncDirectory(directory)
            let readFile = try ReadDescriptor(path: path)
            return CreatedSegment(file: file, info: SegmentInfo(firstPosition: firstPosition, path: path, readFile: readFile))
        } catch {
            file.close()
            unlink(path)
            throw error
        }
    }
}
