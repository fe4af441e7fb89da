package interop

import "errors"

func init() {
	starters["ours"] = func(dir string) (*target, func(), error) {
		// TODO(interop): start zk/server in process once it lands.
		return nil, nil, skipErr{errors.New("zk/server has not landed yet")}
	}
}
