import AsterKit
