import Foundation

/// Where the config file lives, reading it, and saving UI changes back.
///
/// ```swift
/// let path = ConfigFile.defaultPath()              // ~/.config/aster-tui/config.toml
/// var config = try ConfigFile.load(path: path)     // the defaults when the file is missing
/// config.alerts.rules.append(rule)
/// try ConfigFile.save(config, to: path)            // temp file, then rename
/// ```
public enum ConfigFile {
    /// `$XDG_CONFIG_HOME/aster-tui/config.toml`, or `~/.config/aster-tui/config.toml` when
    /// `XDG_CONFIG_HOME` is unset or empty (XDG Base Directory specification).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty, xdg.hasPrefix("/") {
            return xdg + "/aster-tui/config.toml"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/aster-tui/config.toml"
    }

    /// Reads and checks the file at `path`; a missing file gives the defaults.
    ///
    /// - Parameter required: when true (the user named the file with `--config`), a missing file is an error too.
    /// - Throws: ``ConfigError`` naming the file, line and reason.
    public static func load(path: String, required: Bool = false) throws(ConfigError) -> DashboardConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigError(file: path, line: 0, reason: "no such file") }
            return DashboardConfig()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: 0, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, reason: "is not UTF-8 text")
        }
        return try DashboardConfig.parse(text, file: path)
    }

    /// Writes `config` to `path` atomically: a temporary file in the same folder, flushed, then
    /// renamed over the old one, so a crash leaves either the old file or the new, never half.
    /// The folder is created when missing. The text is ``DashboardConfig/tomlText``: TOMLKit
    /// keeps no comments, so a hand-written comment is replaced by the standard ones.
    public static func save(_ config: DashboardConfig, to path: String) throws(ConfigError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let data = Data(config.tomlText.utf8)
            guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o644]) else {
                throw ConfigError(file: path, line: 0, reason: "cannot write \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, path) == 0 else {
                throw ConfigError(file: path, line: 0, reason: "cannot replace: \(String(cString: strerror(errno)))")
            }
        } catch let error as ConfigError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ConfigError(file: path, line: 0, reason: "cannot save: \(error.localizedDescription)")
        }
    }
}
