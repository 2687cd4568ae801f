import type { Metadata } from 'next';
import { ConfigSearch, type SearchOptions } from '../../components/config-search';
import { firstParam, type SearchParamValue } from '../../lib/search-params';

export const metadata: Metadata = { title: 'Search configurations' };

type Params = {
  q?: SearchParamValue;
  regex?: SearchParamValue;
  case?: SearchParamValue;
  all?: SearchParamValue;
  context?: SearchParamValue;
};

/** `/search?q=…`: the query string holds the search, so results can be linked and reloaded. */
export default async function SearchPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const context = Number(firstParam(params.context) ?? '2');
  const initial: SearchOptions = {
    pattern: firstParam(params.q) ?? '',
    regex: firstParam(params.regex) === '1',
    caseSensitive: firstParam(params.case) === '1',
    latestOnly: firstParam(params.all) !== '1',
    contextLines: Number.isInteger(context) && context >= 0 && context <= 20 ? context : 2,
  };
  return (
    <>
      <h1>Search configurations</h1>
      <ConfigSearch initial={initial} />
    </>
  );
}
