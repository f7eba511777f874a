import { UpstreamError } from '../../errors/upstream-error';
import { SENTIFYD_DEFAULT_EXPIRES_IN, parseSentifydReply } from './sentifyd-reply';

const PARAMS = { voice: 'en-GB', model: 'alice' };

describe('parseSentifydReply', () => {
  it.each([
    ['wrapped snake_case', { data: { access_token: 'acc', refresh_token: 'ref', avatar_params: PARAMS, expires_in: 3600 } }],
    ['flat snake_case', { access_token: 'acc', refresh_token: 'ref', avatar_params: PARAMS, expires_in: 3600 }],
    ['wrapped camelCase', { data: { accessToken: 'acc', refreshToken: 'ref', avatarParameters: PARAMS, expiresIn: 3600 } }],
    ['flat camelCase', { accessToken: 'acc', refreshToken: 'ref', avatarParameters: PARAMS, expiresIn: 3600 }],
  ])('reads the %s reply', (_name, body) => {
    expect(parseSentifydReply(body)).toEqual({
      accessToken: 'acc',
      refreshToken: 'ref',
      expiresIn: 3600,
      extras: { avatarParameters: PARAMS },
    });
  });

  it('defaults the avatar parameters to {}', () => {
    expect(parseSentifydReply({ data: { access_token: 'acc' } }).extras).toEqual({ avatarParameters: {} });
    expect(parseSentifydReply({ access_token: 'acc', avatar_params: 'nope' }).extras).toEqual({ avatarParameters: {} });
    expect(parseSentifydReply({ access_token: 'acc', avatar_params: null }).extras).toEqual({ avatarParameters: {} });
  });

  it('treats a reply with no expiry as living 60 s', () => {
    expect(SENTIFYD_DEFAULT_EXPIRES_IN).toBe(60);
    expect(parseSentifydReply({ data: { access_token: 'acc' } }).expiresIn).toBe(60);
    expect(parseSentifydReply({ access_token: 'acc', expires_in: 'soon' }).expiresIn).toBe(60);
  });

  it('accepts a numeric-string expiry', () => {
    expect(parseSentifydReply({ access_token: 'acc', expires_in: '120' }).expiresIn).toBe(120);
  });

  it('leaves the refresh token out when there is none', () => {
    expect(parseSentifydReply({ access_token: 'acc' }).refreshToken).toBeUndefined();
  });

  it.each([
    ['no access token', { data: { refresh_token: 'ref', expires_in: 60 } }],
    ['an empty access token', { access_token: '' }],
    ['null', null],
    ['a string', 'acc'],
    ['an array', [{ access_token: 'acc' }]],
  ])('rejects %s as invalid', (_name, body) => {
    let caught: unknown;
    try {
      parseSentifydReply(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpstreamError);
    expect((caught as UpstreamError).failure).toBe('invalid');
    expect((caught as UpstreamError).toProblem().getStatus()).toBe(502);
  });
});
