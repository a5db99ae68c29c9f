import AsterKit

/// Watchlist groups: `w` cycles them, `W` edits the watchlist.
extension DashboardModel {
    /// Shows watchlist group `index` (0: every symbol).
    func selectGroup(_ index: Int) {
        groupIndex = index
        let group = groups[index]
        allowedSymbols = group.map { Set($0.symbols) }
        state.group = group?.name
    }

    /// Adds the focused symbol to the watchlist group (created when there is none), or removes it.
    func toggleWatch() -> [Effect] {
        let symbol = state.symbol
        if !groups.contains(where: { $0?.name == "watchlist" }) {
            groups.insert(WatchGroup(name: "watchlist", symbols: []), at: 1)
            if groupIndex >= 1 { groupIndex += 1 }
        }
        let index = groups.firstIndex { $0?.name == "watchlist" } ?? 1
        var list = groups[index]?.symbols ?? []
        if let at = list.firstIndex(of: symbol) {
            list.remove(at: at)
            state.message = "\(symbol) removed from the watchlist"
        } else {
            list.append(symbol)
            state.message = "\(symbol) added to the watchlist"
        }
        groups[index] = WatchGroup(name: "watchlist", symbols: list)
        if groupIndex == index { allowedSymbols = Set(list) }
        return [.saveWatchlist(list)]
    }
}
