/// Lets at most `width` bodies run at once; the others wait their turn, in order. For the
/// parameterized suites whose cases Swift Testing would otherwise start all together: each case
/// runs several odb processes, and a hundred of them at once only contend for two cores and the
/// server's connections.
actor Turnstile {
    private let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    nonisolated func pass<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async {
        guard running == width else {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the first waiting body, or frees it.
    private func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
