import CLibPQ
import Foundation

/// Opening a libpq connection, as `PQconnectdbParams` does, but with odb's notice receiver set
/// before the server's first message is read.
///
/// `PQconnectdbParams` returns a connection whose messages it may already have parsed with
/// libpq's default receiver, which prints them on stderr: a session ended just after its start
/// (another odb's `DROP DATABASE … WITH (FORCE)` of a control database this one was asking)
/// printed a stray "FATAL:  terminating connection due to administrator command" line.
enum Connecting {
    /// Starts a connection with these keywords and values and waits until it is made or has
    /// failed. `connect_timeout` (libpq's, as the parameters give it) bounds the whole wait;
    /// libpq counts it per host address when a conninfo names several.
    /// `timedOut` says the deadline passed (libpq then has no message of its own).
    static func open(keywords: [String], values: [String]) -> (handle: OpaquePointer?, timedOut: Bool) {
        let handle = withNullTerminatedCStrings(keywords) { keywordPointers in
            withNullTerminatedCStrings(values) { valuePointers in
                PQconnectStartParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { return (nil, false) }
        PQsetNoticeReceiver(handle, { _, _ in }, nil)
        guard PQstatus(handle) != CONNECTION_BAD else { return (handle, false) }
        return (handle, !complete(handle, within: timeout(of: handle)))
    }

    /// Polls the attempt until libpq says it is made or failed (then `PQstatus` says which):
    /// true; or false once `limit` has passed.
    private static func complete(_ handle: OpaquePointer, within limit: Duration?) -> Bool {
        let deadline = limit.map { ContinuousClock.now + $0 }
        // libpq's rule: before the first poll, behave as if it had asked to wait for writing.
        var polling = PGRES_POLLING_WRITING
        while polling != PGRES_POLLING_OK, polling != PGRES_POLLING_FAILED {
            var descriptor = pollfd(
                fd: PQsocket(handle), events: Int16(polling == PGRES_POLLING_READING ? POLLIN : POLLOUT), revents: 0)
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { return false }
                milliseconds = Int32(
                    clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            }
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0, errno != EINTR { return true }
            if ready == 0 { continue }  // the deadline is checked above
            polling = PQconnectPoll(handle)
        }
        return true
    }

    /// The connection's `connect_timeout`, as libpq reads it: none when unset or 0, and at
    /// least 2 s, since it counts in whole seconds.
    private static func timeout(of handle: OpaquePointer) -> Duration? {
        let value = parameters(of: handle)?.first { $0.keyword == "connect_timeout" }?.value
        guard let seconds = value.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), seconds > 0 else { return nil }
        return .seconds(max(seconds, 2))
    }

    /// The connection's parameters that have a value, as libpq reports them (`PQconninfo`); nil
    /// when libpq is out of memory.
    static func parameters(of handle: OpaquePointer) -> [(keyword: String, value: String)]? {
        guard let options = PQconninfo(handle) else { return nil }
        defer { PQconninfoFree(options) }
        var parameters: [(keyword: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val, value.pointee != 0 {
                parameters.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        return parameters
    }
}
