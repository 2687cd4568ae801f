/**
 * Who changed a device, read from the change message it sends (the common ones of the supported platforms).
 * Each pattern names the platform and the message it reads; the first match wins.
 */
const patterns: { platform: string; pattern: RegExp }[] = [
  // IOS / IOS-XE / EOS: "%SYS-5-CONFIG_I: Configured from console by alice on vty0 (192.0.2.9)"
  { platform: 'ios', pattern: /SYS-5-CONFIG_I:\s*Configured from \S+ by (?:user\s+)?([^\s(]+)/i },
  // NX-OS: "%VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty by admin on 192.0.2.9@pts/0"
  { platform: 'nxos', pattern: /VSHD_SYSLOG_CONFIG_I:\s*Configured from \S+ by ([^\s@]+)/i },
  // JunOS: "UI_COMMIT: User 'bob' requested 'commit' operation (comment: none)"
  { platform: 'junos', pattern: /UI_COMMIT(?:_COMPLETED)?:?\s*User '([^']+)'/i },
  // ASA 111008: "User 'carol' executed the 'hostname fw1' command." / 111005: "192.0.2.9 end configuration: OK"
  { platform: 'asa', pattern: /%ASA-\d-11100[58]:\s*User '([^']+)'/i },
  { platform: 'asa', pattern: /%ASA-\d-111010:\s*User '([^']+)'/i },
  // FortiGate: logdesc="Object attribute configured" ... user="dave" ... action="Edit"
  {
    platform: 'fortigate',
    pattern: /(?:logdesc="[^"]*(?:configured|Configuration changed)[^"]*"|subtype="system").*?\buser="([^"]+)"/i,
  },
  // RouterOS: "system,info config changed by erin" / "... changed by winbox-3.40/tcp-msg(winbox):erin@192.0.2.9"
  { platform: 'routeros', pattern: /changed by (?:[^\s:]+:)?([^\s@()]+)/i },
];

/** The user a change message names, or null (the change is still a change; only its author is unknown). */
export function changedByFromMessage(message: string): string | null {
  for (const { pattern } of patterns) {
    const user = pattern.exec(message)?.[1];
    if (user) return user.slice(0, 100);
  }
  return null;
}

/** Does this message say the configuration changed (so a backup should follow)? */
export function isChangeMessage(message: string): boolean {
  return /CONFIG_I\b|UI_COMMIT|%ASA-\d-11100[58]|%ASA-\d-111010|config(?:uration)? changed|logdesc="[^"]*configured/i.test(
    message,
  );
}
