public enum AsterKitVersion { public static let string = "0.1.0" }
