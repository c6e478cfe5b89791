package mediation

import "os"

// lookupEnv backs get-property('env'|'system', name). Go has no Java system
// properties; both scopes read the process environment.
func lookupEnv(name string) (string, bool) { return os.LookupEnv(name) }
