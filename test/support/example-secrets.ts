/**
 * Known values for the env secrets the example inventories reference. Tests set them and then assert that
 * none of them is ever printed or written in mask mode.
 */
export const PRODUCTION_SECRETS: Record<string, string> = {
  PROD_IPMI_PASSWORD: 'ipmi-Secret-7731',
  PROD_PDU_COMMUNITY: 'pdu-Community-5512',
  PROD_SST_PASSWORD: 'sst-Secret-9040',
  PROD_CLUSTERCHECK_PASSWORD: 'check-Secret-2218',
  HAKIT_HACLUSTER_PASSWORD: 'hacluster-Secret-6650',
};

export const STAGING_SECRETS: Record<string, string> = {
  STG_IPMI_PASSWORD: 'stg-ipmi-Secret-1',
  STG_VRRP_PASSWORD: 'vrrp1234',
  HAKIT_SUDO_PASSWORD: 'sudo-Secret-3',
  HAKIT_HACLUSTER_PASSWORD: 'hacluster-Secret-6650',
};

export const EXAMPLE_SECRETS: Record<string, string> = { ...PRODUCTION_SECRETS, ...STAGING_SECRETS };
