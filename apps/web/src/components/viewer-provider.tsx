'use client';

import { usePathname } from 'next/navigation';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { useQuery } from 'urql';
import { graphql, type ResultOf } from '../lib/graphql';

const ViewerProvider_ViewerQuery = graphql(`
  query ViewerProvider_ViewerQuery {
    viewer { id username role deviceGroups { id name } }
  }
`);

export type Viewer = NonNullable<ResultOf<typeof ViewerProvider_ViewerQuery>['viewer']>;

type ViewerState = { viewer: Viewer | null; loaded: boolean };

const ViewerContext = createContext<ViewerState>({ viewer: null, loaded: false });

/** Who is signed in, for every page: the header shows them and each action button asks `useCan`. */
export function ViewerProvider({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // `viewer` is open to anonymous callers, so this never bounces the sign-in page.
  const [{ data }] = useQuery({ query: ViewerProvider_ViewerQuery });
  const signedOut = data !== undefined && data.viewer === null;

  // Pages that load nothing until asked (search, compare) would otherwise sit there signed out.
  useEffect(() => {
    if (!signedOut || pathname === '/login') return;
    const next = `${window.location.pathname}${window.location.search}`;
    window.location.assign(`/login?next=${encodeURIComponent(next)}`);
  }, [signedOut, pathname]);

  return (
    <ViewerContext.Provider value={{ viewer: data?.viewer ?? null, loaded: data !== undefined }}>
      {children}
    </ViewerContext.Provider>
  );
}

export function useViewer(): ViewerState {
  return useContext(ViewerContext);
}

export type Permissions = {
  isAdmin: boolean;
  /** May start backups, edit or archive devices: admins anywhere, operators in their granted groups. */
  canOperate(deviceGroupId?: string | null): boolean;
};

/** What the signed-in user may do; the server checks every action again, this only hides what would fail. */
export function usePermissions(): Permissions {
  const { viewer } = useViewer();
  const isAdmin = viewer?.role === 'admin';
  const groups = new Set(viewer?.deviceGroups.map((group) => group.id));
  return {
    isAdmin,
    canOperate(deviceGroupId) {
      if (isAdmin) return true;
      if (viewer?.role !== 'operator') return false;
      // Without a group to check (e.g. a bulk bar), operators may act on what they operate.
      return deviceGroupId === undefined ? true : deviceGroupId !== null && groups.has(deviceGroupId);
    },
  };
}
