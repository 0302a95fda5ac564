import Foundation
import Sessions

/// Mix `FileInfo` (mix-openapi.yaml): a session file as the list and the upload answer it.
struct MixFileInfo: Encodable {
    var name: String
    var size: Int
    /// When the file was added, in Unix seconds.
    var modified: Int64
    /// Always `false`: a session's files are flat.
    var isDir = false
    /// Where `GET` serves the bytes.
    var url: String

    init(_ file: SessionFile, sessionID: SessionID) {
        name = file.added.name
        size = file.added.byteCount ?? 0
        modified = Int64(file.addedAt.timeIntervalSince1970.rounded(.down))
        // Both path components percent-encoded: the routes decode them (decision 0159).
        let component = CharacterSet.urlPathAllowed.subtracting(["/"])
        let name = file.added.name.addingPercentEncoding(withAllowedCharacters: component) ?? file.added.name
        let id = sessionID.rawValue.addingPercentEncoding(withAllowedCharacters: component) ?? sessionID.rawValue
        url = "/api/sessions/\(id)/files/\(name)"
    }
}
