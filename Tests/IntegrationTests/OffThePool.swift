import Foundation

/// Runs blocking work on a thread of its own, never on one of Swift's cooperative threads: work
/// that waits for something another test task must do (a libpq call waiting for a lock that task
/// holds, a slot that waits for its open transaction, a loop that runs until that task stops it).
/// The cooperative pool has one thread per core, two here: two such waits on it would starve the
/// very tasks that would end them, and the whole run would hang.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// `offThePool` started at once, its result awaited later: the thread starts now, not when a
/// task gets a cooperative thread, which other tests' blocking calls can keep busy for a minute.
func startOffThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> Task<T, any Error> {
    let (results, continuation) = AsyncThrowingStream<T, any Error>.makeStream()
    Thread {
        do {
            continuation.yield(try body())
            continuation.finish()
        } catch {
            continuation.finish(throwing: error)
        }
    }.start()
    return Task {
        for try await value in results { return value }
        throw CancellationError()
    }
}
