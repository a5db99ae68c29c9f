import Foundation
import Logging

/// Runs the configured notification command for a fired alert: the program (looked up on
/// `PATH`) with its arguments and the message as the last one, never through a shell, with
/// standard input and output on /dev/null so nothing reaches the dashboard's screen. The child is
/// reaped on a thread of its own.
enum AlertNotifier {
    static func run(_ command: [String], message: String, logger: Logger) {
        guard let program = command.first else { return }
        let arguments = command + [message]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        guard result == 0 else {
            logger.warning("alert command failed to start", metadata: ["command": "\(program)", "error": "\(String(cString: strerror(result)))"])
            return
        }
        let child = pid
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
        }
    }
}
