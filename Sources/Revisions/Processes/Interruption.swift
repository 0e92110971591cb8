import Dispatch
import Foundation
import Synchronization

/// How odb stops when it is asked to: SIGINT (Ctrl-C), SIGTERM (`kill`, `timeout`, a cancelled
/// CI job) and SIGHUP (a closed terminal or SSH session).
///
/// The first such signal is recorded and every statement odb's connections are running is
/// cancelled on the server (`PQcancel`); the operation under way then fails at that statement or
/// at its next named step (`Step`), undoes what its journal says, releases its lock and lets
/// connections back into the working database, and odb exits with 128 + the signal's number.
/// Later signals are ignored while that happens (SIGKILL still works; the journal covers it).
public final class Interruption: Sendable {
    public static let shared = Interruption()

    private struct State {
        var signal: Int32?
        /// Whether the handler has sent every cancel it will send.
        var cancelled = false
        var cancellers: [ObjectIdentifier: Canceller] = [:]
        var handlers: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())
    private let sources = Mutex<[any DispatchSourceSignal]>([])

    /// The signals odb stops cleanly on.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Starts handling the signals (the command line does this once, first thing).
    public func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for number in Self.signals {
                Glibc.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in interrupt(by: number) }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// The signal that interrupted odb, if one did.
    public var signal: Int32? { state.withLock { $0.signal } }

    /// Throws `OdbError.interrupted` once a signal has come: called between the steps of every
    /// operation, and in every wait.
    public func checkpoint() throws {
        if let signal { throw OdbError.interrupted(signal: signal) }
    }

    /// Runs `handler` when a signal comes (at once, if one came already): the command line uses it
    /// to cancel its task, which ends any program odb is running.
    public func onInterrupt(_ handler: @escaping @Sendable () -> Void) {
        let already = state.withLock { state in
            if state.signal == nil { state.handlers.append(handler) }
            return state.signal != nil
        }
        if already { handler() }
    }

    func register(_ canceller: Canceller) {
        state.withLock { $0.cancellers[ObjectIdentifier(canceller)] = canceller }
    }

    func unregister(_ canceller: Canceller) {
        _ = state.withLock { $0.cancellers.removeValue(forKey: ObjectIdentifier(canceller)) }
    }

    func interrupt(by number: Int32) {
        let work: (cancellers: [Canceller], handlers: [@Sendable () -> Void])? = state.withLock { state in
            guard state.signal == nil else { return nil }
            state.signal = number
            defer { state.handlers = [] }
            return (Array(state.cancellers.values), state.handlers)
        }
        guard let work else { return }
        for canceller in work.cancellers { canceller.cancel() }
        state.withLock { $0.cancelled = true }
        for handler in work.handlers { handler() }
    }

    /// Once a signal has come, waits until its handler has sent all its cancels (PQcancel returns
    /// once the server has passed one on), so that a statement sent now is not the one a late
    /// cancel reaches: the statements that put things back after an interruption run after them.
    /// Bounded: a handler stuck on an unreachable server delays them ten seconds at most.
    func awaitCancels() {
        guard signal != nil else { return }
        let deadline = ContinuousClock.now + .seconds(10)
        while !state.withLock({ $0.cancelled }), ContinuousClock.now < deadline { usleep(1_000) }
    }

    /// Sends this process `number` and waits (up to ten seconds: a loaded machine may be slow to
    /// run the handler's thread) until the handler has recorded it: for the tests' fault hook,
    /// which interrupts odb at a chosen step.
    func raise(_ number: Int32) {
        kill(getpid(), number)
        let deadline = ContinuousClock.now + .seconds(10)
        while signal == nil, ContinuousClock.now < deadline { usleep(1_000) }
    }
}
