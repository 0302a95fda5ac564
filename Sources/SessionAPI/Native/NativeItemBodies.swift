import Projections
import Sessions

/// `GET /v1/sessions/{id}/items?bodiesOnly=true`: `{sessionId, version, items: [item, …]}` — each stored item's
/// JSON text as it is, and nothing else, so a framework loading a whole session parses only its own items.
/// With `afterVersion`, `items` are only those appended since that version (`?afterVersion=`, decision 0120).
struct NativeItemBodies {
    var sessionID: SessionID
    var version: UInt64
    var afterVersion: UInt64? = nil
    var items: [SessionItem]

    func json() -> [UInt8] {
        var w = JSONWriter(capacity: 64 + items.reduce(0) { $0 + $1.itemJSON.utf8.count + 1 })
        w.beginObject()
        w.field("sessionId", sessionID.rawValue)
        w.field("version", Int(version))
        if let afterVersion { w.field("afterVersion", Int(afterVersion)) }
        w.key("items")
        w.beginArray()
        for item in items { w.raw(item.itemJSON) }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
