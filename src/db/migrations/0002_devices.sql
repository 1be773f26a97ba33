-- Every device that has used Hearth, and whether the owner approved or blocked it.
CREATE TABLE devices (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    key           TEXT NOT NULL UNIQUE,  -- "mac:<hw address>" when the neighbour table knows it, else "ip:<address>"
    address       TEXT NOT NULL,         -- the last address it used
    mac           TEXT,
    name          TEXT,                  -- as the device tells (FriendlyName.DLNA.ORG, X-AV-Client-Info mn=)
    user_agent    TEXT,
    first_seen    INTEGER NOT NULL,      -- unix seconds
    last_seen     INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'blocked'))
);
