import Foundation
import HTTPTypes
import Hummingbird
import Projections
import Sessions

/// `GET /v1/sessions/{id}/items`: the framework items live in a session, oldest first, as of any point
/// (`at`, `position`, `version`), optionally only the `limit` latest and those appended `since` a time;
/// with `includeRemoved=true` also those a pop, clear or rewind removed, marked `removed`; with `bodiesOnly=true`
/// the items' own JSON alone (``NativeItemBodies``). The `ETag` is the session's version at that point (every
/// append, pop, clear, rewind and erasure moves it); an `If-None-Match` naming it answers `304 Not Modified`
/// before the items are read (a latest read finds the version in the session response cache). With
/// `afterVersion=V` (bodies only, latest, whole list) the answer carries `afterVersion` and only the items appended
/// since V, when none was removed since; otherwise the whole list, without `afterVersion` (decision 0120). Right
/// after another writer's message appends, those come from the response cache with no database read (decision
/// 0139).
struct NativeItemsController {
    let backend: SessionBackend

    func addRoutes(to group: RouterGroup<SessionRequestContext>) {
        group.get("sessions/:id/items", use: list)
    }

    @Sendable func list(_ request: Request, context: SessionRequestContext) async throws -> Response {
        let id = try context.sessionID()
        let asOf = try request.asOf()
        let latest = try request.integerQuery("limit", in: 0...Int.max)
        let since = try request.sinceTime()
        let includeRemoved = try request.booleanQuery("includeRemoved") ?? false
        let bodiesOnly = try request.booleanQuery("bodiesOnly") ?? false
        if bodiesOnly, includeRemoved {
            // Bodies alone carry no `removed` mark: removed items would read as live ones.
            throw RequestBodyError.invalidParameter(
                name: "bodiesOnly", reason: "bodiesOnly cannot be combined with includeRemoved")
        }
        let afterVersion = try request.integerQuery("afterVersion", in: 0...Int.max).map(UInt64.init)
        if afterVersion != nil, !bodiesOnly || asOf != .latest || latest != nil || since != nil {
            throw RequestBodyError.invalidParameter(
                name: "afterVersion", reason: "afterVersion needs bodiesOnly=true, and no limit, since or as-of point")
        }
        let version: UInt64
        var appended: [SessionItem]?
        if let afterVersion {
            (version, appended) = try await backend.latestWithItemsAppended(
                id, namespace: context.namespace, after: afterVersion)
        } else {
            version = try await backend.session(id, namespace: context.namespace, at: asOf).version
        }
        if request.noneMatchHolds(version: version) { return .notModified(version: version) }
        var headers = HTTPFields()
        headers[.eTag] = "\"\(version)\""
        if let afterVersion, let appended {
            let json = NativeItemBodies(sessionID: id, version: version, afterVersion: afterVersion, items: appended)
                .json()
            return .json(bytes: json, headers: headers)
        }
        // As of the version the ETag names, even when a write lands between the two reads.
        guard let items = try await backend.store.items(
            id, at: asOf == .latest ? .version(version) : asOf, since: since, latest: latest,
            includeRemoved: includeRemoved) else {
            throw SessionBackend.notFound(id, at: asOf)
        }
        let json = bodiesOnly
            ? NativeItemBodies(sessionID: id, version: version, items: items).json()
            : NativeItemPage(sessionID: id, version: version, items: items).json()
        return .json(bytes: json, headers: headers)
    }
}

extension Request {
    /// The `since` query parameter: an RFC 3339 time or Unix seconds (fractions allowed, as ADK's
    /// `after_timestamp` is; ``Projections/AsOf/time(_:)``); `nil` when absent.
    /// - Throws: ``RequestBodyError/invalidParameter(name:reason:)`` for anything else.
    func sinceTime() throws -> Date? {
        guard let text = uri.queryParameters.get("since") else { return nil }
        if let date = AsOf.time(text) { return date }
        throw RequestBodyError.invalidParameter(name: "since", reason: "since must be an RFC 3339 time or Unix seconds")
    }
}
