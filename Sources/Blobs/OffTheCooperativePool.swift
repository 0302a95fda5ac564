import Dispatch

/// Runs blocking or long CPU work (file-system calls, hashing a large upload) on a dispatch thread, not on one of
/// the cooperative pool's few threads, and returns its result.
public func offTheCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { done in
        DispatchQueue.global().async { done.resume(with: Result { try body() }) }
    }
}
