import AsterKit
print(AsterKitVersion.string)
