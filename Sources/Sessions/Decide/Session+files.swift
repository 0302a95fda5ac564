extension Session {
    /// Attach a file: a name, a non-negative size, a well-formed SHA-256, an id not in use.
    static func decideAddFile(
        _ command: AddFile,
        state: SessionState,
        context: DecisionContext
    ) throws(SessionError) -> [SessionEvent] {
        try requireSession(command.sessionID, in: state)
        try requireWritable(state, context: context)
        guard let name = nonEmpty(command.name) else { throw .validation(field: "name", message: "name is required") }
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
        return [
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
}
