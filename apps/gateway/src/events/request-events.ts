import { Injectable } from '@nestjs/common';
import type { NewRequestRow } from '../../../../libs/storage/src';

export type RequestFinishedListener = (row: NewRequestRow) => void;

/**
 * Announces every finished chat request (served or failed) with its record, for observers such as
 * metrics. Listeners run synchronously on the request path: keep them cheap and never throw.
 */
@Injectable()
export class RequestEvents {
  private readonly listeners: RequestFinishedListener[] = [];

  onFinished(listener: RequestFinishedListener): void {
    this.listeners.push(listener);
  }

  finished(row: NewRequestRow): void {
    for (const listener of this.listeners) {
      try {
        listener(row);
      } catch {
        /* an observer must not break a request */
      }
    }
  }
}
