import Foundation

/// How PostgreSQL copies a database for `CREATE DATABASE … TEMPLATE …` (PostgreSQL 15 and later).
public enum CopyStrategy: String, Codable, Sendable, CaseIterable {
    /// Block by block through the WAL: no checkpoint, but every byte is written twice.
    case walLog = "wal_log"
    /// File by file: each byte is written once, after a checkpoint that flushes the whole
    /// cluster's dirty buffers.
    case fileCopy = "file_copy"
    /// `FILE_COPY` with each file cloned (PostgreSQL 18's `file_copy_method = clone`): blocks are
    /// shared until written, on file systems that can (see Mechanics/CloneMethod.swift).
    case clone

    var keyword: String { self == .walLog ? "WAL_LOG" : "FILE_COPY" }

    /// Picks the cheaper strategy for a copy of `size` bytes when a checkpoint would flush about
    /// `pendingCheckpoint` bytes (nil: unknown).
    ///
    /// Measured on PostgreSQL 15 (BENCHMARKS.md): `WAL_LOG` costs about 3.3 s a GiB, `FILE_COPY`
    /// about 1 s a GiB plus the checkpoint, which writes the dirty buffers at about the same rate
    /// and has a fixed cost near that of 50 MiB. So `FILE_COPY` wins once 2.3 × size passes the
    /// checkpoint's cost.
    public static func choose(size: Int64, pendingCheckpoint: Int64?) -> (strategy: CopyStrategy, reason: String) {
        let fixed: Int64 = 50 << 20
        guard let pending = pendingCheckpoint else {
            return size * 23 / 10 > fixed
                ? (.fileCopy, "\(describe(size)) to copy; checkpoint cost unknown, assumed small")
                : (.walLog, "\(describe(size)) to copy is too small to pay for a checkpoint")
        }
        if size * 23 / 10 > pending + fixed {
            return (.fileCopy, "\(describe(size)) to copy outweighs a checkpoint of about \(describe(pending))")
        }
        return (
            .walLog, "a checkpoint of about \(describe(pending)) would cost more than copying \(describe(size)) through the WAL"
        )
    }

    static func describe(_ bytes: Int64) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GB", Double(bytes) / Double(1 << 30)) }
        if bytes >= 1 << 20 { return String(format: "%.0f MB", Double(bytes) / Double(1 << 20)) }
        return "\(bytes / 1024) kB"
    }
}
