/// Where a Mix session's browser runs; one of the three literals the Mix SDK accepts.
public enum BrowserMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The browser embedded in the Mix desktop app.
    case electronEmbeddedBrowser = "electron-embedded-browser"
    /// A browser service on the local machine; the default for sessions not created through Mix.
    case localBrowserService = "local-browser-service"
    /// A remote browser reached through the Chrome DevTools Protocol at ``SessionCreated/cdpURL``.
    case remoteCDPWebSocket = "remote-cdp-websocket"
}
