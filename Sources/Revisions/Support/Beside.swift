import Foundation

/// Blocking work that runs on a thread of its own while the caller goes on, and whose result
/// `value()` waits for: a query on a second connection while the caller's own connection waits
/// on the server (a revert reads the working database while its copy runs).
///
/// The work owns what it is given (`owning`): the caller keeps no reference to it, and it is
/// released before `value()` returns, so that a connection handed over has closed by then. That
/// is what makes handing it to another thread safe, which the compiler cannot see (a libpq
/// connection may be used from any one thread at a time).
final class Beside<T>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?

    init<Resource>(owning resource: Resource, _ body: @escaping (Resource) throws -> T) {
        let handover = Handover(resource: resource, body: body)
        Thread { [self] in
            result = handover.run()
            finished.signal()
        }.start()
    }

    /// The body's result, or its error, once it has returned.
    func value() throws -> T {
        finished.wait()
        finished.signal()  // for a later call
        return try result!.get()
    }

    private final class Handover<Resource>: @unchecked Sendable {
        var resource: Resource?
        let body: (Resource) throws -> T

        init(resource: Resource, body: @escaping (Resource) throws -> T) {
            self.resource = resource
            self.body = body
        }

        /// Runs the body on the resource, which is released when this returns.
        func run() -> Result<T, any Error> {
            guard let resource else { return .failure(CancellationError()) }
            self.resource = nil
            return Result { try body(resource) }
        }
    }
}
