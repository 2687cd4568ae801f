/** nsyslog-parser ships no types: the fields this server reads. */
declare module 'nsyslog-parser' {
  interface ParsedSyslog {
    type: 'BSD' | 'RFC5424' | 'CEF' | 'LEEF' | 'UNKNOWN' | string;
    host?: string;
    appName?: string;
    message?: string;
    ts?: Date;
  }
  export default function parse(line: string): ParsedSyslog;
}
