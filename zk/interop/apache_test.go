package interop

import "errors"

func init() {
	starters["apache"] = startApacheTarget
	starters["apache2"] = startApacheTarget // a second instance, for DIFF_TARGET=apache2
}

func startApacheTarget(dir string) (*target, func(), error) {
	a, err := StartApache(ApacheConfig{Dir: dir, TickTime: testTick, MaxSessionTimeout: testMaxSession})
	if errors.Is(err, ErrApacheNotInstalled) {
		return nil, nil, skipErr{err}
	}
	if err != nil {
		return nil, nil, err
	}
	return &target{name: "apache", addr: a.Addr()}, func() { a.Close() }, nil
}
