import Foundation
import Sessions

/// `POST /v1/sessions`: a session for an agent framework, with an optional id, app, user and initial state.
struct NativeCreateSessionRequest: Decodable {
    var sessionId: String?
    var title: String?
    var appName: String?
    var userId: String?
    var state: JSONValue?

    /// The command; only shape is checked here, every rule is `Session.decide`'s.
    func command(namespace: String) throws -> SessionCommand {
        var initial: JSONObject = [:]
        switch state {
        case nil, .null?: break
        case .object(let object)?: initial = object
        default: throw RequestBodyError.invalidParameter(name: "state", reason: "state must be a JSON object")
        }
        let id = try sessionId.map { text in
            guard let id = SessionID(client: text) else {
                throw RequestBodyError.invalidParameter(name: "sessionId", reason: "sessionId \(SessionID.clientRule)")
            }
            return id
        }
        return .createFrameworkSession(
            CreateFrameworkSession(
                sessionID: id, namespace: namespace, title: title,
                appName: appName, userID: userId, state: initial))
    }
}
