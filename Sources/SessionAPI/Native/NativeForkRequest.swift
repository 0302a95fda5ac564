/// The body of `POST /v1/sessions/{id}/fork` (optional): the new session's title. The point to fork at is in
/// the query, as for every as-of read (`position`, `version`, `at`, `messageId`; see `Request.asOf()`).
struct NativeForkRequest: Decodable {
    var title: String?

    static let keys: Set<String> = ["title"]
}
