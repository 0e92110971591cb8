/// One state bisect asked: a revision, or the working database (`number` nil).
public struct BisectStep: Codable, Sendable, Equatable {
    public let number: Int?
    public let answer: String
    /// Whether the answer differs (from the good state's, or from `--expect`).
    public let differs: Bool
}

/// What bisect found: the first state on the path whose answer differs, nil when none does.
public struct BisectOutcome: Codable, Sendable, Equatable {
    public let good: Int
    /// The bad end: a revision, or nil for the working database.
    public let bad: Int?
    /// The answer the states are compared with: the good state's, or `--expect`'s.
    public let reference: String
    public let expected: Bool
    /// How many states the path holds, ends included (purged revisions left out).
    public let states: Int
    public let steps: [BisectStep]
    /// The first differing state: a revision number, 0 for the working database; nil when none differs.
    public let first: Int?
    public let firstAnswer: String?
}

extension Repository {
    /// Finds, on the first-parent path from `bad` (default: the working database) back to `good`
    /// (default: the path's first revision), the first state where `query`'s answer differs from
    /// its answer at `good`, or, with `expect`, is not `expect`: about log2 of the path's length
    /// queries, each on a read-only session (see `reading`), each reported to `step`.
    public func bisect(
        query: String, good: RevisionArgument?, bad: RevisionArgument?, expect: String?,
        step: (BisectStep) -> Void = { _ in }
    ) throws -> BisectOutcome {
        let parent = try state().parent
        let badNumber = try bad.map { try resolve($0, parent: parent) }
        let top = badNumber ?? parent
        if top == 0 { throw OdbError.nothingCommitted }
        // Oldest first: the first parents from the bad end back to the good one, or to the root.
        let parents = try revisionParents()
        let goodNumber = try good.map { try resolve($0, parent: parent) }
        var path: [Int] = []
        var number = top
        while number > 0 {
            path.append(number)
            if number == goodNumber { break }
            number = parents[number] ?? 0
        }
        path.reverse()
        if let goodNumber, path.first != goodNumber {
            throw OdbError.notAnAncestor(
                good: "revision \(goodNumber)", bad: badNumber.map { "revision \($0)" } ?? "the working database")
        }
        let readable = try readableRevisions()
        // The ends must be readable; a purged revision between them is left out.
        var states: [Int?] = path.enumerated().filter { index, number in
            index == 0 || readable.contains(number)
        }.map { $0.element }
        if badNumber == nil { states.append(nil) }
        if let last = states.last, let last, !readable.contains(last) { throw OdbError.revisionPurged(last) }
        if let first = states.first, let first, !readable.contains(first) { throw OdbError.revisionPurged(first) }

        var steps: [BisectStep] = []
        let reference = try expect ?? answer(query, at: states[0])
        func differs(_ index: Int) throws -> (Bool, String) {
            let answer = try self.answer(query, at: states[index])
            let result = BisectStep(number: states[index], answer: answer, differs: answer != reference)
            steps.append(result)
            step(result)
            return (result.differs, answer)
        }
        func outcome(_ index: Int?, _ answer: String?) -> BisectOutcome {
            BisectOutcome(
                good: states[0] ?? 0, bad: badNumber, reference: reference, expected: expect != nil, states: states.count,
                steps: steps, first: index.map { states[$0] ?? 0 }, firstAnswer: answer)
        }
        // With --expect the good end itself may be the first to differ.
        if expect != nil, case (true, let answer) = try differs(0) { return outcome(0, answer) }
        let (lastDiffers, lastAnswer) = try differs(states.count - 1)
        guard lastDiffers, states.count > 1 else { return outcome(nil, nil) }
        var low = 0  // its answer is the reference
        var high = states.count - 1  // its answer differs
        var highAnswer = lastAnswer
        while high - low > 1 {
            let middle = (low + high) / 2
            let (middleDiffers, answer) = try differs(middle)
            if middleDiffers {
                high = middle
                highAnswer = answer
            } else {
                low = middle
            }
        }
        return outcome(high, highAnswer)
    }

    /// The answer to `query` on a state, as text: a line a row, values separated by `|`, NULL as
    /// nothing (as `psql -At` prints it). In a read-only transaction whose snapshot is taken before
    /// the query, so that it cannot make itself read-write.
    func answer(_ query: String, at number: Int?) throws -> String {
        let state: DatabaseState = number.map { .revision(.number($0)) } ?? .working
        return try reading(state) { session in
            try session.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? session.query("ROLLBACK") }
            try session.query("SELECT 1")
            do {
                let rows = try session.query(SQL(stringLiteral: query))
                return rows.map { row in row.values.map { $0 ?? "" }.joined(separator: "|") }.joined(separator: "\n")
            } catch let error as PostgresError where OdbError(error) == nil {
                throw OdbError.queryFailed(
                    state: number.map { "revision \($0)" } ?? "the working database", reason: error.message)
            }
        }
    }

    /// Each revision's parent.
    func revisionParents() throws -> [Int: Int] {
        var parents: [Int: Int] = [:]
        try connection.forEachRow("SELECT number, parent FROM odb.revisions WHERE database = \(database) AND number > 0") {
            parents[try $0.int("number")] = try $0.int("parent")
        }
        return parents
    }

    /// The revisions whose database is still there.
    func readableRevisions() throws -> Set<Int> {
        Set(
            try connection.query(
                """
                SELECT r.number FROM odb.revisions r JOIN pg_database d ON d.datname = r.dbname
                WHERE r.database = \(database) AND r.number > 0
                """
            ).map { try $0.int("number") })
    }
}
