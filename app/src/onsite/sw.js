var C='onsite-v1';
self.addEventListener('install',function(){self.skipWaiting();});
self.addEventListener('activate',function(e){e.waitUntil(self.clients.claim());});
self.addEventListener('fetch',function(e){var r=e.request;if(r.method!=='GET'||r.mode!=='navigate')return;
if(!/^\/m\/tasks\/\d+\/[0-9A-Za-z]+$/.test(new URL(r.url).pathname))return;
e.respondWith(fetch(r).then(function(res){if(res.ok){var c=res.clone();caches.open(C).then(function(x){x.put(r,c);});}return res;}).catch(function(){
return caches.match(r,{ignoreSearch:true}).then(function(m){return m||new Response('<!DOCTYPE html><meta charset="utf-8"><p>网络不可用，本机也没有此页的副本。</p>',{status:503,headers:{'Content-Type':'text/html; charset=utf-8'}});});}));});
