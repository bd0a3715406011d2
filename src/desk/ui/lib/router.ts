import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

/** Moves to a path of the single-page app without reloading. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(null, '', path);
  } else {
    history.pushState(null, '', path);
  }
  for (const listener of listeners) {
    listener();
  }
}

/** The current path (and search), re-rendering on navigation and on the back button. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((tick) => tick + 1);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

export interface LinkProps {
  href: string;
  class?: string;
  children?: ComponentChildren;
}

/** An in-app link: a real <a> (open in a new tab works), handled without a reload on a plain click. */
export function Link(props: LinkProps) {
  return h(
    'a',
    {
      href: props.href,
      class: props.class,
      onClick: (event: MouseEvent) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
          return;
        }
        event.preventDefault();
        navigate(props.href);
      },
    },
    props.children,
  );
}
