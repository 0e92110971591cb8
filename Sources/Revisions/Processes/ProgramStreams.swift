import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// What a program (or the first program of a pipeline) reads on its stdin.
public struct ProgramInput: Sendable {
    enum Source: Sendable {
        case nothing
        case descriptor(FileDescriptor)
        case written(@Sendable (ProgramInputWriter) async throws -> Void)
    }
    let source: Source

    /// Nothing: stdin is /dev/null.
    public static let none = ProgramInput(source: .nothing)

    /// odb's own stdin (a terminal, or whatever odb's caller piped in).
    public static let inherited = ProgramInput(source: .descriptor(.standardInput))

    /// These bytes, then end of file.
    public static func bytes(_ bytes: [UInt8]) -> ProgramInput {
        .writer { try await $0.write(bytes) }
    }

    /// This text in UTF-8, then end of file.
    public static func string(_ text: String) -> ProgramInput {
        .bytes(Array(text.utf8))
    }

    /// The chunks of `chunks`, each written once the program has taken the one before, so that
    /// only a chunk or two is ever held (a download, a generator): the sequence is read no faster
    /// than the program reads its stdin.
    public static func chunks<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks) -> ProgramInput
    where Chunks.Element == [UInt8] {
        .writer { writer in
            for try await chunk in chunks { try await writer.write(chunk) }
        }
    }

    /// Whatever `body` writes; stdin is closed when it returns. An error `body` throws ends the
    /// program and is the run's error.
    public static func writer(_ body: @escaping @Sendable (ProgramInputWriter) async throws -> Void) -> ProgramInput {
        ProgramInput(source: .written(body))
    }
}

/// Where a program's (or a pipeline's last program's) stdout goes, when Swift code does not
/// read it chunk by chunk.
public struct ProgramOutput: Sendable {
    enum Destination: Sendable {
        case collected(limit: Int)
        case discarded
        case descriptor(FileDescriptor)
    }
    let destination: Destination

    /// Into ``ProgramResult/output``, up to `limit` bytes: a program that prints more is ended
    /// and the run throws ``ProgramError/Reason/outputTooLong(limit:)``.
    public static func collected(limit: Int = 4 << 20) -> ProgramOutput {
        ProgramOutput(destination: .collected(limit: limit))
    }

    /// /dev/null.
    public static let discarded = ProgramOutput(destination: .discarded)

    /// odb's own stdout.
    public static let inherited = ProgramOutput(destination: .descriptor(.standardOutput))
}

/// Writes to a running program's stdin. Each write returns once the program's pipe has taken
/// all of it, so a writer never holds more than the chunk it is given.
public struct ProgramInputWriter: Sendable {
    let base: StandardInputWriter
    let refused = Flag()

    /// Writes `bytes`; throws ``InputRefused`` once the program has stopped reading (it exited
    /// or closed its stdin): the run then reports the program's own status, not this error.
    public func write(_ bytes: [UInt8]) async throws {
        if bytes.isEmpty { return }
        let written: Int
        do {
            written = try await base.write(bytes)
        } catch {
            refused.set()
            throw InputRefused()
        }
        if written < bytes.count {
            refused.set()
            throw InputRefused()
        }
    }

    /// The program stopped reading before all the input was written.
    public struct InputRefused: Error, Sendable {}
}

/// A program's stdout, chunk by chunk as it arrives (a pipe's worth at most, 64 KiB on Linux).
/// It can be iterated once.
public struct ProgramOutputStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let base: SubprocessOutputSequence

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: SubprocessOutputSequence.Iterator

        public mutating func next() async throws -> [UInt8]? {
            guard let buffer = try await base.next() else { return nil }
            return buffer.withUnsafeBytes { Array($0) }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator())
    }
}

/// A flag set from one task and read from another.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
