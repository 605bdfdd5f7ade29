package pack

import "fmt"

// Where the shipped service manifests expect a node's files (see
// docs/releases.md). The working directory is the node's home: the default
// configuration's data_dir "./data" and the default releases root
// "<data_dir>/../releases" both resolve inside it, so a node runs from its
// release's example configuration unchanged.
const (
	// LinuxHome is the home of a fifo node under systemd.
	LinuxHome = "/var/lib/fifo"
	// LinuxConfig is its configuration file.
	LinuxConfig = "/etc/fifo/fifo.toml"
	// SmartOSHome is the home of a fifo node in a SmartOS zone (SMF).
	SmartOSHome = "/var/db/fifo"
	// SmartOSConfig is its configuration file.
	SmartOSConfig = "/opt/local/etc/fifo/fifo.toml"
	// ChunterHome is chunter's home in a SmartOS global zone: /opt
	// survives reboots there, unlike most of the global zone.
	ChunterHome = "/opt/chunter"
)

// currentBin is the path of a binary of the current release under home.
func currentBin(home, name string) string {
	return home + "/releases/current/bin/" + name
}

// SystemdUnit returns systemd/fifo.service. `fifo start` runs in the
// foreground, tells systemd when it serves (Type=notify) and stops
// gracefully on SIGTERM within shutdown.timeout (default 10 s); exit code 2
// means a bad configuration, which restarting cannot fix. A live upgrade
// (fifo release install) starts the new binary as a child of the old
// process, which then exits 0: the new process sends MAINPID= and READY=1,
// which systemd accepts from a process other than the main one only with
// NotifyAccess=all, and the default KillMode keeps both processes of the
// hand-off in the service's cgroup.
func SystemdUnit() string {
	return fmt.Sprintf(`# FiFo control-plane node. Install: see docs/releases.md.
[Unit]
Description=FiFo control-plane node
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=all
User=fifo
Group=fifo
WorkingDirectory=%[1]s
ExecStart=%[2]s start --config %[3]s
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=on-failure
RestartSec=5
RestartPreventExitStatus=2
LimitNOFILE=65536
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full
ProtectHome=yes

[Install]
WantedBy=multi-user.target
`, LinuxHome, currentBin(LinuxHome, "fifo"), LinuxConfig)
}

// smfHeader opens an SMF manifest.
const smfHeader = `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
`

// SMFManifest returns smf/fifo.xml, the fifo node as an SMF service
// (application/fifo) of the default contract model: the start method
// starts the node in the background and returns, and svc.startd follows
// every process of the service's contract. A live upgrade (fifo release
// install) starts the new binary as a child of the old process, in the
// same contract, and the old process exits: the service stays online,
// where the "child" model would restart it when the process it started
// exits. Stop (:kill) sends SIGTERM to the contract's processes.
func SMFManifest() string {
	return smfHeader + fmt.Sprintf(`<!-- FiFo control-plane node. Install: see docs/releases.md. -->
<service_bundle type="manifest" name="fifo">
  <service name="application/fifo" type="service" version="1">
    <create_default_instance enabled="false"/>
    <single_instance/>
    <dependency name="network" grouping="require_all" restart_on="error" type="service">
      <service_fmri value="svc:/milestone/network:default"/>
    </dependency>
    <dependency name="filesystem" grouping="require_all" restart_on="error" type="service">
      <service_fmri value="svc:/system/filesystem/local:default"/>
    </dependency>
    <method_context working_directory="%[1]s">
      <method_credential user="fifo" group="fifo"/>
      <method_environment>
        <envvar name="HOME" value="%[1]s"/>
      </method_environment>
    </method_context>
    <exec_method type="method" name="start" exec="%[2]s start --config %[3]s &amp;" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="30"/>
    <property_group name="startd" type="framework">
      <propval name="ignore_error" type="astring" value="core,signal"/>
    </property_group>
    <stability value="Evolving"/>
    <template>
      <common_name>
        <loctext xml:lang="C">FiFo control-plane node</loctext>
      </common_name>
    </template>
  </service>
</service_bundle>
`, SmartOSHome, currentBin(SmartOSHome, "fifo"), SmartOSConfig)
}

// ChunterSMFManifest returns smf/chunter.xml, the hypervisor agent as an
// SMF service of the global zone (application/chunter, run as root).
// Import it from /opt/custom/smf so that it survives a reboot.
func ChunterSMFManifest() string {
	return smfHeader + fmt.Sprintf(`<!-- FiFo hypervisor agent. Install: see docs/releases.md. -->
<service_bundle type="manifest" name="chunter">
  <service name="application/chunter" type="service" version="1">
    <create_default_instance enabled="false"/>
    <single_instance/>
    <dependency name="network" grouping="require_all" restart_on="error" type="service">
      <service_fmri value="svc:/milestone/network:default"/>
    </dependency>
    <dependency name="filesystem" grouping="require_all" restart_on="error" type="service">
      <service_fmri value="svc:/system/filesystem/local:default"/>
    </dependency>
    <method_context working_directory="%[1]s"/>
    <exec_method type="method" name="start" exec="%[2]s start" timeout_seconds="60"/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="30"/>
    <property_group name="startd" type="framework">
      <propval name="duration" type="astring" value="child"/>
      <propval name="ignore_error" type="astring" value="core,signal"/>
    </property_group>
    <stability value="Evolving"/>
    <template>
      <common_name>
        <loctext xml:lang="C">FiFo hypervisor agent</loctext>
      </common_name>
    </template>
  </service>
</service_bundle>
`, ChunterHome, currentBin(ChunterHome, "chunter"))
}
