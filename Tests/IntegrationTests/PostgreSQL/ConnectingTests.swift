import Foundation
import Testing

@testable import Revisions

extension Integration {
    @Suite struct ConnectingTests {
        /// A session ended by the server just after its start (as `DROP DATABASE … WITH (FORCE)`
        /// of the database does): its FATAL message can arrive in the very packet that completes
        /// the start. odb says what happened in its one line; libpq's default notice receiver,
        /// which prints such a message on stderr, is never in place while it is read.
        @Test func sessionEndedAsItStartsPrintsNoStrayLine() async throws {
            let listener = try LoopbackListener()
            let port = listener.port
            // Each connection gets a completed start and, in the same write, its end.
            let server = Thread {
                while true {
                    let client = accept(listener.descriptor, nil, nil)
                    guard client >= 0 else { return }
                    var header = [UInt8](repeating: 0, count: 4)
                    guard recv(client, &header, 4, Int32(MSG_WAITALL)) == 4 else {
                        close(client)
                        continue
                    }
                    let size = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                    var startup = [UInt8](repeating: 0, count: max(size - 4, 0))
                    _ = recv(client, &startup, startup.count, Int32(MSG_WAITALL))
                    let reply =
                        Self.message("R", [0, 0, 0, 0]) + Self.message("S", Array("server_version\u{0}18.0\u{0}".utf8))
                        + Self.message("Z", Array("I".utf8))
                        + Self.message(
                            "E",
                            Array(
                                "SFATAL\u{0}VFATAL\u{0}C57P01\u{0}Mterminating connection due to administrator command\u{0}\u{0}"
                                    .utf8))
                    _ = reply.withUnsafeBytes { send(client, $0.baseAddress, reply.count, Int32(MSG_NOSIGNAL)) }
                    close(client)
                }
            }
            server.start()
            defer { listener.close() }
            try await withSandbox { sandbox in
                let result = try await sandbox.odb(
                    ["info"], url: "postgresql://postgres@127.0.0.1:\(port)/postgres?sslmode=disable&gssencmode=disable",
                    timeout: .seconds(120))
                expectOneLine(result)
                #expect(!result.errorOutput.contains("FATAL:  terminating"), "\(result.errorOutput)")
            }
        }

        /// A protocol message: its type, its length (itself included) and its body.
        static func message(_ type: Character, _ body: [UInt8]) -> [UInt8] {
            let length = UInt32(body.count + 4)
            return [type.asciiValue!] + withUnsafeBytes(of: length.bigEndian) { Array($0) } + body
        }
    }
}
