package config

import "testing"

func TestSettings(t *testing.T) {
	c := Default()
	c.Snarl.AdminPassword = "hunter2"
	got := map[string]Setting{}
	for _, s := range c.Settings() {
		got[s.Key] = s
	}
	if len(got) != len(fields(&c)) {
		t.Fatalf("%d settings for %d fields", len(got), len(fields(&c)))
	}
	want := map[string]string{
		"node.name":            "fifo@localhost",
		"dist.listen_port":     "4370",
		"shutdown.timeout":     "10s",
		"log.level":            "info",
		"snarl.admin_password": Redacted,
	}
	for k, v := range want {
		if got[k].Value != v {
			t.Errorf("%s = %q, want %q", k, got[k].Value, v)
		}
	}
	if !got["snarl.admin_password"].Secret || got["dist.epmd_port"].Env != "FIFO_EPMD_PORT" {
		t.Errorf("settings %+v", got)
	}
	c.Dist.Routes = []Route{{"a@h", "127.0.0.1", 1}, {"b@h", "::1", 2}}
	if s, ok := c.Setting("dist.routes"); !ok || s.Value != "a@h=127.0.0.1:1,b@h=[::1]:2" || s.Env != "FIFO_DIST_ROUTES" {
		t.Errorf("routes = %+v, %v", s, ok)
	}
	c.Snarl.AdminPassword = ""
	if s, ok := c.Setting("SNARL.admin_password"); !ok || s.Value != "" {
		t.Errorf("unset secret = %+v, %v", s, ok)
	}
	if _, ok := c.Setting("nope.key"); ok {
		t.Error("unknown key found")
	}
}
