import Foundation

/// Who may connect to the embedded cluster: on its private socket (a folder only its owner can
/// open) the superuser needs no password; over TCP, which `odb server start --tcp` turns on, every
/// connection needs one (`scram-sha-256`). The password is a secret odb generates, kept in a
/// libpq password file (`pgpass`, mode 0600) in the cluster's folder and set on the superuser as a
/// SCRAM verifier computed by libpq, so the secret itself never reaches the server or a log.
/// `odb url` names that file (`passfile=`), so an application needs nothing else.
extension EmbeddedCluster {
    /// The password file for TCP connections, in libpq's `.pgpass` format.
    public var passwordFile: String { directory + "/pgpass" }

    /// Whether the running server listens on TCP: `postmaster.pid` names its first TCP address.
    public func listensOnTCP() -> Bool {
        guard let lines = postmasterLines(), lines.count > 5 else { return false }
        return !lines[5].trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// A conninfo string over TCP, with the password file and no password.
    public func tcpConninfo(port: Int) -> String {
        "host=localhost port=\(port) user=\(Self.superuser) passfile=\(quoteConninfo(passwordFile))"
    }

    /// Rewrites every `host` rule of `pg_hba.conf` in `folder` that trusts into one that asks for
    /// the password (the file initdb writes trusts everyone on localhost). Local-socket rules stay.
    func requirePasswordsOverTCP(in folder: String) throws {
        let path = folder + "/pg_hba.conf"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        var changed = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let type = fields.first, type.hasPrefix("host"), fields.last == "trust" else { return String(line) }
            changed = true
            return line.dropLast("trust".count) + "scram-sha-256"
        }
        guard changed else { return }
        do {
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw OdbError.notWritable(path: path, reason: error.localizedDescription)
        }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        if let user = try serverUser() { try chown(path, user) }
    }

    /// Makes sure the password file exists (generating a secret on first use) and that the
    /// superuser has that password, through the private socket of the server on `port`.
    func setUpPassword(port: Int) throws {
        let secret = try readSecret() ?? writeSecret()
        let connection = try Connection(conninfo: conninfo(port: port), database: "postgres")
        let verifier = try connection.encryptedPassword(secret, user: Self.superuser)
        try connection.query("ALTER ROLE \(identifier: Self.superuser) PASSWORD \(literal: verifier)")
    }

    private func readSecret() throws -> String? {
        guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8),
            let line = text.split(separator: "\n").first, let secret = line.split(separator: ":").last, !secret.isEmpty
        else { return nil }
        return String(secret)
    }

    /// A new secret of 32 random bytes (hexadecimal), written to a file only its owner can read,
    /// made under another name and moved into place.
    private func writeSecret() throws -> String {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let text = ["localhost", "127.0.0.1", "\\:\\:1"].map { "\($0):*:*:\(Self.superuser):\(secret)\n" }.joined()
        let temporary = passwordFile + ".new"
        unlink(temporary)
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw OdbError.notWritable(path: temporary, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        let written = write(descriptor, bytes, bytes.count)
        close(descriptor)
        guard written == bytes.count, rename(temporary, passwordFile) == 0 else {
            unlink(temporary)
            throw OdbError.notWritable(path: passwordFile, reason: String(cString: strerror(errno)))
        }
        return secret
    }
}
