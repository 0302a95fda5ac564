import Logging
import ServiceLifecycle

/// Runs an ``APIKeyExchange`` every ``interval`` while a node of a shared log serves. A failed exchange is logged
/// once, until one succeeds again; meanwhile the node keeps the keys its own file holds.
struct APIKeyExchangeService: Service {
    let exchange: APIKeyExchange
    var interval: Duration = .seconds(1)
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var failing = false
                while true {
                    try await Task.sleep(for: interval)
                    do {
                        try await exchange.exchange()
                        if failing { logger.notice("API keys exchanged with the other nodes again") }
                        failing = false
                    } catch {
                        if Task.isCancelled { throw CancellationError() }
                        if !failing {
                            let what =
                                error is APIKeyStoreError
                                ? "this node's key file or the shared copy cannot be read or written"
                                : "the shared log's database cannot be reached"
                            logger.warning(
                                "API keys not exchanged with the other nodes: \(what); this node keeps its own key file",
                                metadata: ["error": "\(error)"])
                        }
                        failing = true
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
