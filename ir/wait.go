package ir

// A Wait state delays the execution for Seconds or until Timestamp.
type Wait struct {
	Common
	// Exactly one of these is set.
	Seconds       *Seconds // Seconds or SecondsPath (Path) or JSONata Seconds (Expr)
	Timestamp     string   // Timestamp literal, RFC 3339
	TimestampPath *Path
	TimestampExpr *Expr // JSONata Timestamp
}

func (*Wait) isState() {}
