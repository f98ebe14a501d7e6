'use client';

import { useSyncExternalStore } from 'react';

/** The colour scheme the user chose in the header; "system" follows the OS setting. */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'isthmus-theme';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

/** Runs in <head> before the first paint (app/layout.tsx), so a chosen theme never flashes the other one. */
export const THEME_SCRIPT = `try{var t=localStorage.getItem('${KEY}');if(t==='light'||t==='dark')document.documentElement.classList.add(t)}catch(e){}`;

function current(): Theme {
  const c = document.documentElement.classList;
  return c.contains('dark') ? 'dark' : c.contains('light') ? 'light' : 'system';
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function apply(theme: Theme) {
  const c = document.documentElement.classList;
  c.remove('light', 'dark');
  if (theme !== 'system') c.add(theme);
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
  for (const l of listeners) l();
}

/** System → light → dark: one button, its label says the current choice. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribe, current, () => 'system' as Theme);
  return (
    <button
      type="button"
      onClick={() => apply(NEXT[theme])}
      className="rounded px-2 py-1 text-xs text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800"
      title="Switch the colour scheme (system, light, dark)"
      data-testid="theme-toggle"
      data-theme={theme}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☾ ' : theme === 'light' ? '☀ ' : '◐ '}</span>
      {LABEL[theme]}
    </button>
  );
}
