import ArgumentParser
import EventLog
import Foundation
import LogStores
import SessionAPI

/// `sessiond keys`: the API keys of a data directory (create, list, revoke).
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.",
        discussion: """
            Keys live in <data>/keys.json as SHA-256 digests; a key's secret is printed once, by create, and \
            stored nowhere. Once any key has been created every API request needs one (Authorization: Bearer \
            <key>) and sees only its key's namespace — even after every key is revoked, which refuses every \
            request; without keys, serve answers anyone on 127.0.0.1 and refuses other addresses. A running \
            serve picks up changes on its next request. Nodes on one PostgreSQL log \
            (serve --log postgres://…) share their keys: each merges its keys.json with a copy in the database \
            every second, so a key created or revoked on any node's --data counts on every node. Give the same \
            --log to create, revoke or list to merge this --data's keys and that copy at once, both ways (needed \
            when no daemon runs on this --data; list then shows the merged keys).
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct DataOption: ParsableArguments {
        @Option(name: .customLong("data"), help: ArgumentHelp("The data directory.", valueName: "dir"))
        var dataDirectory = "./data"

        @Option(
            name: .customLong("log"),
            help: ArgumentHelp(
                "The PostgreSQL log this data directory's node serves (postgres://…): this directory's keys and the ones the nodes share are merged at once, both ways.",
                valueName: "url"))
        var sharedLog: String?

        var store: APIKeyStore { APIKeyStore(directory: dataDirectory) }

        func validate() throws {
            guard let sharedLog else { return }
            guard case .postgres = LogLocation(sharedLog) else {
                throw ValidationError("--log must be a postgres:// URL: a file log's keys are its data directory's alone")
            }
        }

        /// With `--log`: merges this data directory's keys and the shared ones, both ways.
        /// A failure is a warning: the local change stands, and a daemon on this --data shares it later.
        func exchangeWithSharedLog() async {
            guard let sharedLog else { return }
            do {
                let log = try await LogLocation(sharedLog).open()
                do {
                    try await APIKeyExchange(beside: log, store: store)?.exchange()
                } catch {
                    await log.close()
                    throw error
                }
                await log.close()
                FileHandle.standardError.write(Data("merged with the keys the nodes of the shared log hold\n".utf8))
            } catch {
                FileHandle.standardError.write(
                    Data("sessiond: warning: the keys were not merged with the shared log's (\(error)); this --data's change stands, and a daemon serving it shares it once it can\n".utf8))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for a namespace and print its secret (once).")

        @OptionGroup var data: DataOption

        @Option(help: ArgumentHelp("The namespace the key opens (A-Z a-z 0-9 . _ -).", valueName: "name"))
        var namespace: String

        func run() async throws {
            let (key, secret) = try exitOnOperatorError { try data.store.create(namespace: namespace) }
            print(secret)
            await data.exchangeWithSharedLog()
            FileHandle.standardError.write(
                Data("created \(key.id) for namespace \(key.namespace); the key above is shown only now\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, namespace, created, revoked.")

        @OptionGroup var data: DataOption

        func run() async throws {
            await data.exchangeWithSharedLog()
            let keys = try exitOnOperatorError { try data.store.keys() }
            guard !keys.isEmpty else {
                print("no API keys (serve is open on loopback only)")
                return
            }
            print("ID\tNAMESPACE\tCREATED\tREVOKED")
            for key in keys {
                let revoked = key.revokedAt.map { $0.ISO8601Format() } ?? "-"
                print("\(key.id)\t\(key.namespace)\t\(key.createdAt.ISO8601Format())\t\(revoked)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key by id; it stops working at once on this node, within about a second on the others.",
            discussion: """
                Revoking the last active key does not open the API again: the daemon then refuses every request \
                until a key is created. A loopback daemon serves openly only while its key file holds no key at \
                all (remove keys.json from the data directory, with the daemon stopped, to go back to that).
                """)

        @OptionGroup var data: DataOption

        @Argument(help: ArgumentHelp("The key's id (key_…), as keys list shows it.", valueName: "id"))
        var id: String

        func run() async throws {
            let key = try exitOnOperatorError { try data.store.revoke(id: id) }
            await data.exchangeWithSharedLog()
            print("revoked \(key.id) (namespace \(key.namespace))")
            if try exitOnOperatorError({ try data.store.keys() }).allSatisfy({ !$0.isActive }) {
                print("no active key is left: the daemon refuses every API request until `sessiond keys create`")
            }
        }
    }
}
