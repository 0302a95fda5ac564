// The HTTP faces of sessiond; see issue 4.
