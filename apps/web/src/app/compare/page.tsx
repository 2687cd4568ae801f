import type { Metadata } from 'next';
import Link from 'next/link';
import { VersionDiff } from '../../components/version-diff';
import { firstParam, type SearchParamValue } from '../../lib/search-params';

export const metadata: Metadata = { title: 'Compare versions' };

/** `/compare?from=<backupId>&to=<backupId>`: a shareable diff of any two text versions, across devices too. */
export default async function ComparePage({
  searchParams,
}: {
  searchParams: Promise<{ from?: SearchParamValue; to?: SearchParamValue }>;
}) {
  const params = await searchParams;
  const from = firstParam(params.from);
  const to = firstParam(params.to);
  return (
    <>
      <h1>Compare versions</h1>
      {from && to ? (
        <VersionDiff fromBackupId={from} toBackupId={to} />
      ) : (
        <p className="notice">
          Pick two text versions on a <Link href="/devices">device page</Link> and choose Compare.
        </p>
      )}
    </>
  );
}
