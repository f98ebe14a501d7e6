import { eventStream } from '@/server/events';
import { viewerView } from '@/server/auth/viewer';
import { problem, withRegistry } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/events: Server-Sent Events for changes of every cluster's Kubernetes state (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async () => {
    const view = await viewerView();
    if (!view) return problem(401, 'unauthenticated', 'sign in first');
    return new Response(eventStream(request.signal, view), {
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
    });
  });
}
