/**
 * Every plugin, listed explicitly. A contract test fails when a file in vendors/ is missing here,
 * when two plugins share a key, or when a text plugin has no recorded session.
 */
import type { BackupPlugin } from './contract.js';
import { a10AcosPlugin } from './vendors/a10-acos.js';
import { alcatelAosPlugin } from './vendors/alcatel-aos.js';
import { alcatelAos7Plugin } from './vendors/alcatel-aos7.js';
import { alliedtelesisAwplusPlugin } from './vendors/alliedtelesis-awplus.js';
import { apcAosPlugin } from './vendors/apc-aos.js';
import { aristaEosPlugin } from './vendors/arista-eos.js';
import { arubaAoscxPlugin } from './vendors/aruba-aoscx.js';
import { arubaAoswPlugin } from './vendors/aruba-aosw.js';
import { arubaInstantPlugin } from './vendors/aruba-instant.js';
import { audiocodesMediantPlugin } from './vendors/audiocodes-mediant.js';
import { binaryDummyPlugin } from './vendors/binary-dummy.js';
import { broadcomEfosPlugin } from './vendors/broadcom-efos.js';
import { brocadeFabricosPlugin } from './vendors/brocade-fabricos.js';
import { brocadeIronwarePlugin } from './vendors/brocade-ironware.js';
import { brocadeNosPlugin } from './vendors/brocade-nos.js';
import { brocadeVyattaPlugin } from './vendors/brocade-vyatta.js';
import { calixAxosPlugin } from './vendors/calix-axos.js';
import { cambiumEpmpPlugin } from './vendors/cambium-epmp.js';
import { checkpointGaiaPlugin } from './vendors/checkpoint-gaia.js';
import { cienaSaosPlugin } from './vendors/ciena-saos.js';
import { cienaSaos10Plugin } from './vendors/ciena-saos10.js';
import { ciscoAireosPlugin } from './vendors/cisco-aireos.js';
import { ciscoAsaPlugin } from './vendors/cisco-asa.js';
import { ciscoAsyncosPlugin } from './vendors/cisco-asyncos.js';
import { ciscoCatosPlugin } from './vendors/cisco-catos.js';
import { ciscoFirelinuxosPlugin } from './vendors/cisco-firelinuxos.js';
import { ciscoIosPlugin } from './vendors/cisco-ios.js';
import { ciscoIosxePlugin } from './vendors/cisco-iosxe.js';
import { ciscoIosxrPlugin } from './vendors/cisco-iosxr.js';
import { ciscoNgaPlugin } from './vendors/cisco-nga.js';
import { ciscoNxosPlugin } from './vendors/cisco-nxos.js';
import { ciscoSmaPlugin } from './vendors/cisco-sma.js';
import { ciscoSmbPlugin } from './vendors/cisco-smb.js';
import { ciscoUcsPlugin } from './vendors/cisco-ucs.js';
import { ciscoViptelaPlugin } from './vendors/cisco-viptela.js';
import { citrixNetscalerPlugin } from './vendors/citrix-netscaler.js';
import { dcnDcnosPlugin } from './vendors/dcn-dcnos.js';
import { decisoOpnsensePlugin } from './vendors/deciso-opnsense.js';
import { decisoOpnsenseApiPlugin } from './vendors/deciso-opnsense-api.js';
import { dellDnosPlugin } from './vendors/dell-dnos.js';
import { dellFtosPlugin } from './vendors/dell-ftos.js';
import { dellOs6Plugin } from './vendors/dell-os6.js';
import { dellOs10Plugin } from './vendors/dell-os10.js';
import { dellPowerconnectPlugin } from './vendors/dell-powerconnect.js';
import { dellSonicPlugin } from './vendors/dell-sonic.js';
import { dellXseriesPlugin } from './vendors/dell-xseries.js';
import { dlinkNextgenPlugin } from './vendors/dlink-nextgen.js';
import { dlinkOsPlugin } from './vendors/dlink-os.js';
import { eatonNetworkPlugin } from './vendors/eaton-network.js';
import { edgecoreEdgecosPlugin } from './vendors/edgecore-edgecos.js';
import { eltexMesPlugin } from './vendors/eltex-mes.js';
import { ericssonIposPlugin } from './vendors/ericsson-ipos.js';
import { extremeBossPlugin } from './vendors/extreme-boss.js';
import { extremeEnterasysPlugin } from './vendors/extreme-enterasys.js';
import { extremeSlxosPlugin } from './vendors/extreme-slxos.js';
import { extremeVossPlugin } from './vendors/extreme-voss.js';
import { extremeWingPlugin } from './vendors/extreme-wing.js';
import { extremeXosPlugin } from './vendors/extreme-xos.js';
import { f5F5osPlugin } from './vendors/f5-f5os.js';
import { f5TmosPlugin } from './vendors/f5-tmos.js';
import { fortinetFortigatePlugin } from './vendors/fortinet-fortigate.js';
import { fortinetFortiosPlugin } from './vendors/fortinet-fortios.js';
import { fortinetFortiwlcPlugin } from './vendors/fortinet-fortiwlc.js';
import { fsFsosPlugin } from './vendors/fs-fsos.js';
import { fujitsu1finityPlugin } from './vendors/fujitsu-1finity.js';
import { garderosGrsPlugin } from './vendors/garderos-grs.js';
import { h3cComwarePlugin } from './vendors/h3c-comware.js';
import { hillstoneStoneosPlugin } from './vendors/hillstone-stoneos.js';
import { hirschmannClassicPlugin } from './vendors/hirschmann-classic.js';
import { hirschmannHiosPlugin } from './vendors/hirschmann-hios.js';
import { hpProcurvePlugin } from './vendors/hp-procurve.js';
import { hpeBladesystemPlugin } from './vendors/hpe-bladesystem.js';
import { hpeComwarePlugin } from './vendors/hpe-comware.js';
import { hpeMsaPlugin } from './vendors/hpe-msa.js';
import { huaweiSmartaxPlugin } from './vendors/huawei-smartax.js';
import { huaweiVrpPlugin } from './vendors/huawei-vrp.js';
import { ipinfusionOcnosPlugin } from './vendors/ipinfusion-ocnos.js';
import { ixsystemsTruenasPlugin } from './vendors/ixsystems-truenas.js';
import { juniperJunosPlugin } from './vendors/juniper-junos.js';
import { juniperScreenosPlugin } from './vendors/juniper-screenos.js';
import { keeneticNdmsPlugin } from './vendors/keenetic-ndms.js';
import { lancomLcosPlugin } from './vendors/lancom-lcos.js';
import { lenovoCnosPlugin } from './vendors/lenovo-cnos.js';
import { linuxGenericPlugin } from './vendors/linux-generic.js';
import { mikrotikRouterosPlugin } from './vendors/mikrotik-routeros.js';
import { mikrotikRouterOsBinaryPlugin } from './vendors/mikrotik-routeros-binary.js';
import { netgatePfsensePlugin } from './vendors/netgate-pfsense.js';
import { netgatePfsenseWebPlugin } from './vendors/netgate-pfsense-web.js';
import { netgateTnsrPlugin } from './vendors/netgate-tnsr.js';
import { netgearPlugin } from './vendors/netgear-os.js';
import { netonixWispPlugin } from './vendors/netonix-wisp.js';
import { nokiaIsamPlugin } from './vendors/nokia-isam.js';
import { nokiaSrosPlugin } from './vendors/nokia-sros.js';
import { nokiaSrosmdPlugin } from './vendors/nokia-srosmd.js';
import { noopPlugin } from './vendors/noop.js';
import { nvidiaCumulusPlugin } from './vendors/nvidia-cumulus.js';
import { nvidiaOnyxPlugin } from './vendors/nvidia-onyx.js';
import { opengearOsPlugin } from './vendors/opengear-os.js';
import { openwrtPlugin } from './vendors/openwrt.js';
import { oracleAcmepacketPlugin } from './vendors/oracle-acmepacket.js';
import { paloaltoPanosPlugin } from './vendors/paloalto-panos.js';
import { paloaltoPanosApiPlugin } from './vendors/paloalto-panos-api.js';
import { perlePlugin } from './vendors/perle-os.js';
import { purestoragePurityosPlugin } from './vendors/purestorage-purityos.js';
import { quantaQuantaosPlugin } from './vendors/quanta-quantaos.js';
import { radwareAlteonPlugin } from './vendors/radware-alteon.js';
import { riverbedRiosPlugin } from './vendors/riverbed-rios.js';
import { ruckusFastironPlugin } from './vendors/ruckus-fastiron.js';
import { ruijieRgosPlugin } from './vendors/ruijie-rgos.js';
import { sftpFilePlugin } from './vendors/sftp-file.js';
import { sikluEtherhaulPlugin } from './vendors/siklu-etherhaul.js';
import { smartbytePlugin } from './vendors/smartbyte-os.js';
import { sonicwallSonicosPlugin } from './vendors/sonicwall-sonicos.js';
import { supermicroSwitchPlugin } from './vendors/supermicro-switch.js';
import { symantecSgosPlugin } from './vendors/symantec-sgos.js';
import { tftpFilePlugin } from './vendors/tftp-file.js';
import { tplinkPlugin } from './vendors/tplink-os.js';
import { ubiquitiAirfiberPlugin } from './vendors/ubiquiti-airfiber.js';
import { ubiquitiAirosPlugin } from './vendors/ubiquiti-airos.js';
import { ubiquitiEdgeosPlugin } from './vendors/ubiquiti-edgeos.js';
import { ubiquitiEdgeswitchPlugin } from './vendors/ubiquiti-edgeswitch.js';
import { ubiquitiUnifiPlugin } from './vendors/ubiquiti-unifi.js';
import { vsolOltPlugin } from './vendors/vsol-olt.js';
import { vyosPlugin } from './vendors/vyos.js';
import { watchguardFirewarePlugin } from './vendors/watchguard-fireware.js';
import { yamahaRtxPlugin } from './vendors/yamaha-rtx.js';
import { zteOltPlugin } from './vendors/zte-olt.js';
import { zyxelZynosPlugin } from './vendors/zyxel-zynos.js';

export const plugins: readonly BackupPlugin[] = [
  noopPlugin,
  binaryDummyPlugin,
  ciscoIosPlugin,
  ciscoNxosPlugin,
  ciscoAsaPlugin,
  aristaEosPlugin,
  juniperJunosPlugin,
  mikrotikRouterosPlugin,
  fortinetFortigatePlugin,
  arubaAoscxPlugin,
  vyosPlugin,
  mikrotikRouterOsBinaryPlugin,
  sftpFilePlugin,
  tftpFilePlugin,
  // Oxidized models added from their recordings (issue 10).
  broadcomEfosPlugin,
  h3cComwarePlugin,
  cienaSaos10Plugin,
  garderosGrsPlugin,
  perlePlugin,
  quantaQuantaosPlugin,
  nvidiaOnyxPlugin,
  fsFsosPlugin,
  smartbytePlugin,
  netgearPlugin,
  sonicwallSonicosPlugin,
  netgateTnsrPlugin,
  tplinkPlugin,
  vsolOltPlugin,
  arubaAoswPlugin,
  arubaInstantPlugin,
  ciscoFirelinuxosPlugin,
  fortinetFortiosPlugin,
  brocadeIronwarePlugin,
  eatonNetworkPlugin,
  decisoOpnsensePlugin,
  netgatePfsensePlugin,
  nvidiaCumulusPlugin,
  sikluEtherhaulPlugin,
  extremeWingPlugin,
  watchguardFirewarePlugin,
  linuxGenericPlugin,
  ruckusFastironPlugin,
  alcatelAos7Plugin,
  ciscoAsyncosPlugin,
  // HTTP(S) API plugins (issue 10).
  paloaltoPanosApiPlugin,
  decisoOpnsenseApiPlugin,
  netgatePfsenseWebPlugin,
  apcAosPlugin,
  // Most-used Oxidized models without recordings, each with a session written from vendor documentation.
  hpProcurvePlugin,
  hpeComwarePlugin,
  dellOs10Plugin,
  dellDnosPlugin,
  dellPowerconnectPlugin,
  ciscoIosxrPlugin,
  ciscoSmbPlugin,
  paloaltoPanosPlugin,
  extremeXosPlugin,
  nokiaSrosPlugin,
  nokiaSrosmdPlugin,
  f5TmosPlugin,
  ubiquitiEdgeosPlugin,
  juniperScreenosPlugin,
  ubiquitiEdgeswitchPlugin,
  ubiquitiAirosPlugin,
  alcatelAosPlugin,
  extremeVossPlugin,
  dlinkOsPlugin,
  zyxelZynosPlugin,
  ciscoAireosPlugin,
  ciscoSmaPlugin,
  checkpointGaiaPlugin,
  citrixNetscalerPlugin,
  alliedtelesisAwplusPlugin,
  extremeBossPlugin,
  brocadeNosPlugin,
  extremeSlxosPlugin,
  lenovoCnosPlugin,
  a10AcosPlugin,
  extremeEnterasysPlugin,
  hirschmannClassicPlugin,
  huaweiVrpPlugin,
  cienaSaosPlugin,
  openwrtPlugin,
  opengearOsPlugin,
  ciscoUcsPlugin,
  hirschmannHiosPlugin,
  dellOs6Plugin,
  dellFtosPlugin,
  ciscoIosxePlugin,
  dellSonicPlugin,
  edgecoreEdgecosPlugin,
  symantecSgosPlugin,
  riverbedRiosPlugin,
  ciscoViptelaPlugin,
  hillstoneStoneosPlugin,
  ixsystemsTruenasPlugin,
  ruijieRgosPlugin,
  hpeBladesystemPlugin,
  ciscoCatosPlugin,
  huaweiSmartaxPlugin,
  zteOltPlugin,
  nokiaIsamPlugin,
  lancomLcosPlugin,
  keeneticNdmsPlugin,
  brocadeFabricosPlugin,
  brocadeVyattaPlugin,
  ipinfusionOcnosPlugin,
  ubiquitiAirfiberPlugin,
  f5F5osPlugin,
  purestoragePurityosPlugin,
  ubiquitiUnifiPlugin,
  eltexMesPlugin,
  dellXseriesPlugin,
  audiocodesMediantPlugin,
  oracleAcmepacketPlugin,
  netonixWispPlugin,
  fortinetFortiwlcPlugin,
  yamahaRtxPlugin,
  dlinkNextgenPlugin,
  radwareAlteonPlugin,
  ericssonIposPlugin,
  dcnDcnosPlugin,
  supermicroSwitchPlugin,
  hpeMsaPlugin,
  fujitsu1finityPlugin,
  calixAxosPlugin,
  cambiumEpmpPlugin,
  ciscoNgaPlugin,
];

const byKey = new Map(plugins.map((plugin) => [plugin.key, plugin]));

export function findPlugin(key: string): BackupPlugin | undefined {
  return byKey.get(key);
}

export function pluginKeys(): string[] {
  return plugins.map((plugin) => plugin.key);
}
