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
