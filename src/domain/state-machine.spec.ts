import fc from 'fast-check';
import { DomainError } from './domain-error';
import { defineStateMachine } from './state-machine';

type Light = 'RED' | 'GREEN' | 'AMBER';
type Signal = 'go' | 'slow' | 'stop';
const light = defineStateMachine<Light, Signal>({
  name: 'signal',
  transitions: [
    { from: 'RED', action: 'go', to: 'GREEN' },
    { from: 'GREEN', action: 'slow', to: 'AMBER' },
    { from: 'AMBER', action: 'stop', to: 'RED' },
    { from: 'GREEN', action: 'stop', to: 'RED' },
  ],
});

describe('defineStateMachine', () => {
  it('applies the transitions of its table', () => {
    expect(light.apply('RED', 'go')).toBe('GREEN');
    expect(light.apply('GREEN', 'slow')).toBe('AMBER');
    expect(light.allowedActions('GREEN')).toEqual(['slow', 'stop']);
    expect(light.can('AMBER', 'go')).toBe(false);
  });

  it('refuses any other move with a 409 ILLEGAL_TRANSITION naming the state, the action and what is allowed', () => {
    let error: unknown;
    try {
      light.apply('RED', 'slow');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      kind: 'conflict',
      message: 'signal in state RED cannot slow; allowed: go',
      details: [{ field: 'state', rule: 'transition', message: 'RED → slow is not allowed' }],
    });
  });

  it('says so when a state is final', () => {
    const m = defineStateMachine<'OPEN' | 'CLOSED', 'close'>({ transitions: [{ from: 'OPEN', action: 'close', to: 'CLOSED' }] });
    expect(() => m.apply('CLOSED', 'close')).toThrow('document in state CLOSED cannot close; no action is allowed');
  });

  it('refuses a table that lists a state and action twice, and cannot be changed afterwards', () => {
    expect(() =>
      defineStateMachine({
        transitions: [
          { from: 'A', action: 'x', to: 'B' },
          { from: 'A', action: 'x', to: 'C' },
        ],
      }),
    ).toThrow('lists A --x--> twice');
    const table = [{ from: 'A' as const, action: 'x' as const, to: 'B' as const }];
    const m = defineStateMachine({ transitions: table });
    table[0].to = 'A' as never;
    expect(m.apply('A', 'x')).toBe('B');
    expect(Object.isFrozen(m.transitions)).toBe(true);
  });

  it('agrees with its own table on every state and action', () => {
    const states: Light[] = ['RED', 'GREEN', 'AMBER'];
    const signals: Signal[] = ['go', 'slow', 'stop'];
    fc.assert(
      fc.property(fc.constantFrom(...states), fc.array(fc.constantFrom(...signals), { maxLength: 20 }), (start, actions) => {
        let state = start;
        for (const a of actions) {
          const row = light.transitions.find((t) => t.from === state && t.action === a);
          if (light.can(state, a) !== !!row || light.allowedActions(state).includes(a) !== !!row) return false;
          let next: Light | DomainError;
          try {
            next = light.apply(state, a);
          } catch (e) {
            next = e as DomainError;
          }
          if (row ? next !== row.to : !(next instanceof DomainError && next.code === 'ILLEGAL_TRANSITION')) return false;
          if (row) state = row.to;
        }
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});
