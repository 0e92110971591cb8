import CPgQuery

/// One statement of a patch, as PostgreSQL's parser delimits it, and the line it starts on.
struct Statement: Sendable, Equatable {
    let text: String
    /// 1-based line of the file where the statement's first word is.
    let line: Int
}

/// Splits a patch into statements with PostgreSQL's own parser (libpg_query's
/// `pg_query_split_with_parser`), so that dollar quotes, comments, `E''` strings and anything
/// else the server accepts are split exactly where the server would split them.
enum StatementSplitter {
    static func split(_ bytes: [UInt8], file: String) throws -> [Statement] {
        var input = bytes
        if input.contains(0) {
            throw OdbError.patchUnparsable(file: file, line: line(of: input.firstIndex(of: 0)!, in: bytes), reason: "a NUL byte")
        }
        input.append(0)
        let result = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { pg_query_split_with_parser($0.baseAddress) }
        }
        defer { pg_query_free_split_result(result) }
        if let error = result.error {
            let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
            let cursor = max(0, Int(error.pointee.cursorpos) - 1)
            throw OdbError.patchUnparsable(file: file, line: line(of: min(cursor, bytes.count), in: bytes), reason: message)
        }
        var statements: [Statement] = []
        for index in 0..<Int(result.n_stmts) {
            guard let statement = result.stmts[index]?.pointee else { continue }
            let start = Int(statement.stmt_location)
            let end = min(bytes.count, start + Int(statement.stmt_len))
            guard start < end else { continue }
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            let first = firstWord(in: bytes, from: start, to: end)
            statements.append(Statement(text: text, line: line(of: first, in: bytes)))
        }
        return statements
    }

    /// Where the statement's first word is: past blanks and the comments before it.
    private static func firstWord(in bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if byte == 0x2D, index + 1 < end, bytes[index + 1] == 0x2D {  // -- to the end of the line
                while index < end, bytes[index] != 0x0A { index += 1 }
            } else if byte == 0x2F, index + 1 < end, bytes[index + 1] == 0x2A {  // /* … */, nested as PostgreSQL nests them
                var depth = 0
                repeat {
                    if bytes[index] == 0x2F, index + 1 < end, bytes[index + 1] == 0x2A {
                        depth += 1
                        index += 2
                    } else if bytes[index] == 0x2A, index + 1 < end, bytes[index + 1] == 0x2F {
                        depth -= 1
                        index += 2
                    } else {
                        index += 1
                    }
                } while depth > 0 && index < end
            } else {
                return index
            }
        }
        return start
    }

    /// The 1-based line of byte `offset`.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes[0..<min(offset, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
