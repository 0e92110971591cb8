import CLibPQ

/// libpq's cancel object for one connection: usable from any thread, even while the connection
/// is busy in another, which is what it is for.
final class Canceller: @unchecked Sendable {
    private let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { PQfreeCancel(pointer) }

    func cancel() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(pointer, &buffer, 256)
    }
}
