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
        if let sessionId, sessionId.isEmpty {
            throw RequestBodyError.invalidParameter(name: "sessionId", reason: "sessionId must not be empty")
        }
        return .createFrameworkSession(
            CreateFrameworkSession(
                sessionID: sessionId.flatMap(SessionID.init(rawValue:)), namespace: namespace, title: title,
                appName: appName, userID: userId, state: initial))
    }
}
