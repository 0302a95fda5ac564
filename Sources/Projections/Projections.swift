// The SQLite read models; see issue 3.
